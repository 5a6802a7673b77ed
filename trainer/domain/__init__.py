"""The pure core of trainer: library files, role-play engines and scoring, with no Flask and no I/O
beyond reading the library files it is pointed at."""
