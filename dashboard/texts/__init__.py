"""The interface's text catalogue, Vietnamese first (the terms of GLOSSARY.md), English as a
switch: one module per subject, each with a `TEXTS` dict of key -> {"vi": ..., "en": ...}.
`dashboard.i18n` loads every module here; a key defined twice is an error."""
