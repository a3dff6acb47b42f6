"""Presentation: every output sheet layout and every user-facing message of the CLI and the buttons."""
