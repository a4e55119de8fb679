"""Everything Qt: the annotation studio window, its canvas, panes, dialogs and a job worker."""
