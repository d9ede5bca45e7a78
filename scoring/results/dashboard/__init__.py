"""Leadership's view of a published year: the overview (headline, sentence, pictures), where points are lost, and
what-if before publication."""
