"""The questionnaire: the answer format, its clinical rules, answers kept on the server, matching practitioners to answers."""
