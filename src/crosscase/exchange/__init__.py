"""Use cases that write and read whole files: reports (docx, xlsx, csv, json) and REFI-QDA exchange."""
