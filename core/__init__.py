"""The ground floor every app stands on: it imports no domain app, and every app may import it."""
