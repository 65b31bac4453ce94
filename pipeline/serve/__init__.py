"""`newsloc serve`: the review page as an editor, in the browser, on this machine.

``editing`` applies one edit to one PO entry (no HTTP); ``page`` renders the editor
page with lxml on top of the static review page; ``app`` is the Starlette
application (token, hosts, headers) and ``serve`` runs it with uvicorn.
"""
