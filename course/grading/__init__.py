"""The autograding kit: build the release, score a notebook, grade a class."""
