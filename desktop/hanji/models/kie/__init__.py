"""Key-value extraction: a BIO tagger over a document's tokens (text + 2-D position) with a
document-type head; features, training and prediction."""
