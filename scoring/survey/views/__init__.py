"""The survey's pages: the secretariat's (manage), the council's (results) and the respondent's (answer)."""
