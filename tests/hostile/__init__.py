"""Hostile and broken submissions for the grader's tests, and the tiny course they are graded in."""
