"""The two onboarding workbooks: the organisation (blocks, units) and the people (accounts, roles).

Each workbook is read through the one safe intake (evidence/workbooks.py) and imported all or nothing: one
django-import-export resource per worksheet (resources.py for the organisation, people.py for
accounts and roles, their cells in cells.py), the worksheets of a book in one transaction
(books.py). The same files come out of the export, so exporting and importing again changes nothing.
"""
