"""The tables, as SQLAlchemy models (the schema itself is owned by the Alembic migrations in
``workflow/migrations``; ``tests/test_store.py`` checks they build exactly these).

Tables (one row per…):

* ``articles``: ingested story (external id, title, source, cleaned text, content hash)
* ``sentences``: sentence of an article, in order, with its paragraph and whether the brief uses it
* ``translations``: machine translation of a sentence per (language, model); the text an editor sees is the
  latest ``revisions`` row if any, else this
* ``briefs``: brief per (article, language), ``en`` included: the brief sentences joined as the language writes
* ``reviews``: review state per (article, language): status, model, the fingerprint of the inputs that made it
* ``runs``: batch run with its settings, counts and per-item errors
* ``users``: people who log in to the review app, with a role (reader, editor, admin) and a password hash
* ``sessions``: logged-in browser (hash of its random token), ended by logout, password or role change, removal
* ``login_failures``: failed login per client address and username, for the login throttle (shared by all
  server processes)
* ``revisions``: editor's correction of a sentence translation or of a brief: who, when, before, after
* ``decisions``: approval or rejection of an (article, language), with who, when and a comment
* ``memory``: translation memory: the latest corrected translation of an English sentence per language
* ``terms``: glossary entry: an English term and its variants, the case rule, per language the approved form and
  forbidden variants, a note, who changed it last
* ``term_changes``: every add, edit or delete of a glossary entry: who, when, before, after (kept after a delete)
* ``term_issues``: what the glossary check found in a sentence's current translation: a ``missing`` approved
  form, a ``forbidden`` variant an editor wrote, or a forbidden variant the pipeline ``fixed``
* ``check_issues``: what a translation check (numbers, untranslated…) found in a sentence's current translation,
  and who dismissed it when
* ``jobs``: a story waiting for (or given to) a ``briefdesk worker``: which languages, who submitted it, which
  worker holds it and since when, its last error
* ``api_tokens``: a CMS's key to the API (hash of its random token), its user, when it was made, last used and
  revoked, and its rate-limit window
* ``settings``: a site setting admins change at run time (``public_feeds``)
* ``webhooks``: an endpoint a CMS registered: URL, the events it wants, the secret that signs deliveries
* ``events``: something a CMS is told of (a brief approved, updated or withdrawn; a story failed), with the JSON
  body fixed when it happened
* ``deliveries``: one event for one webhook: pending, delivered or failed, its next try and its claim
* ``delivery_attempts``: each try: when, the HTTP status answered or the error
* ``queue_counts``: the queue's counts as +1/−1 rows per (language, status), and per article (language and status
  empty), written by database triggers on ``reviews`` and ``articles``; summed, they answer the queue's counts
  without reading every review

One module per concept (``stories``, ``accounts``, ``issues``, ``jobs``, ``publishing``); import the tables from
here (or from ``workflow.store``, as most modules do).
"""

from workflow.schema.accounts import ApiToken, LoginFailure, LoginSession, User
from workflow.schema.base import Base, utcnow
from workflow.schema.issues import CheckIssue, Term, TermChange, TermIssue
from workflow.schema.jobs import Job, QueueCount
from workflow.schema.publishing import Delivery, DeliveryAttempt, Event, Setting, Webhook
from workflow.schema.stories import Article, Brief, Decision, Memory, Review, Revision, Run, Sentence, Translation
