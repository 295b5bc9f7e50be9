"""Pages of the mediation app: studios (``studios``) and their cases (``cases``)."""
