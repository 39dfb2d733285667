"""The bundled demo event: ~120 fictional attendees of a tech & community meetup."""
