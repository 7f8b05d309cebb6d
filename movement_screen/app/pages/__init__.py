"""The app's pages, one module each, above the shared widgets (:mod:`movement_screen.app.widgets`)."""
