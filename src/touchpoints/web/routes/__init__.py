"""Routes, one module per audience: accounts, organizers' events, attendees."""
