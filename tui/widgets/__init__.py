"""Small reusable widgets and renderers shared by the screens."""
