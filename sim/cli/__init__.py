"""The command line: parses arguments and calls the layers below."""
