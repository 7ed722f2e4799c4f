"""Reports people file (issue 6): dashboards, the quarterly bulletin, exports and imports.

One subpackage per capability: ``dashboards`` (figures and charts per role and scope),
``bulletin`` (the 季度通报 as a page and a .docx), ``exports`` (every list as .xlsx and CSV,
large ones as Celery jobs) and ``imports`` (templates, dry run, all-or-nothing writes through
the same services as the forms). Jobs (:mod:`integrity.reports.models`) carry the progress of
the long-running exports and imports.
"""
