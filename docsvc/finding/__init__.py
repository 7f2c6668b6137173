"""finding capability."""
