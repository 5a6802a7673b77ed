"""Plain-English reading helpers for the rule scorer: sentences, stems, numbers and cue lexicons."""
