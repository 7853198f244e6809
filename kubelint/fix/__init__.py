"""`kubelint fix`: fixes for findings, applied as text edits that leave every other byte alone.

How a fix is made (bottom to top):
- `providers/` decide what to change for a finding, in terms of the object's data: a list of
  operations (`ops`) on JSON pointers, and whether that is safe;
- `tree` finds the YAML nodes those pointers name in the file's text (with their exact
  character spans), `render` writes new values in the file's own style, and `edits` turns each
  operation into text edits (Edit(start, end, replacement), as ruff does);
- `planner` chooses the fixes of a file that do not collide, applies them and `verify`s that the
  file re-parses to exactly the original objects with the operations applied;
- `runner` repeats check -> fix until nothing more can be fixed, and `write` replaces files
  atomically.
"""
