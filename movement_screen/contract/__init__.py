"""The contract every layer may import: the result types (:mod:`.result`: criteria, quality issues, gait events,
the result dict and whether it holds a score) and the threshold tables (:mod:`.config`). It imports nothing of
the package but ``errors`` and the schema version, so pose, kinematics, screens, care, report and the front
ends all build on it and no lower layer imports a higher one."""
