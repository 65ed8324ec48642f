"""asv input and output: the only code that runs asv (:mod:`.driver`) or reads and writes its result files
(:mod:`.results`)."""
