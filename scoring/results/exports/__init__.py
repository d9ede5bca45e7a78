"""Files made from a published snapshot: the annex PDF and unit scorecards, the Excel workbook, and open data.

Every export reads the frozen figures of one publication (never recomputes them) in a fixed number of
queries, whatever the number of units.
"""
