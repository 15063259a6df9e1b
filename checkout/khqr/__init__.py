"""KHQR: building payment codes, talking to the Bakong Open API, and a local stand-in for it."""
