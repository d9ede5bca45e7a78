"""Results of a period: computed live from the stored scores (compute), read from published snapshots
(published), and who may see which (access)."""
