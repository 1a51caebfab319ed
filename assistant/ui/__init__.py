"""The Gradio web interface: a thin layer over `assistant.core.Assistant`.

`format` (Markdown/HTML rendering), `documents` (serving originals), `access` (login and roles) and
`handlers` (event logic) are plain Python and tested without a browser; only `app` imports Gradio.
"""
