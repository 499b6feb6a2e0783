"""The test suite: unit tests beside end-to-end tests of the real process."""
