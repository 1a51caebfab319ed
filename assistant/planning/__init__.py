"""Planning over the library: a class's progression of session sheets, a trainer's workshop outline,
their printable exports and the chat requests that lead to them. Every element is cited."""
