"""Planning over the library: a class's progression of session sheets, a trainer's workshop outline,
their printable exports and the chat requests that lead to them. Every element is cited."""

# The slot when the teacher names none: half the library's sheets last 50–60 min (« une heure de cours »);
# at 45 min a request such as « 5 séances sur la coopération pour mes CM1 » found no sheet at all.
DEFAULT_SESSION_MINUTES = 60
