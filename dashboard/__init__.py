"""skillpulse presentation layer: the Dash app and the ``skillpulse`` command-line interface."""
