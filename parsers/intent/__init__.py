"""Intent of a customer's own reply text: rules as named predicates, ordered in a table."""

from parsers.intent.classify import IntentDecision, classify_doc
from parsers.intent.doc import ReplyDoc, build_doc

__all__ = ["IntentDecision", "ReplyDoc", "build_doc", "classify_doc"]
