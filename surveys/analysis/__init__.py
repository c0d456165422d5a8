"""Text analysis: pure Python and scikit-learn, nothing from Flask or the models."""
