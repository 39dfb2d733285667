"""The web app: organizers plan, attendees see what they share."""
