"""Typed containers passed between the pose, kinematics and screen stages."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class PoseSequence:
    """One person's landmarks over time, in upright-image pixels.

    ``xy[T, 33, 2]`` pixels (NaN where the person was not found), ``visibility[T, 33]``, ``world[T, 33, 3]``
    metres (model estimate, hip-centred), ``t[T]`` seconds from the container, ``frame[T]`` source frame index.
    """

    xy: np.ndarray
    visibility: np.ndarray
    world: np.ndarray
    t: np.ndarray
    frame: np.ndarray
    width: int
    height: int
    fps: float
    turned: int = 0  # clockwise degrees the analysis turned a sideways video's picture (VideoInfo.turned)

    def __len__(self) -> int:
        return len(self.t)

    def part(self, samples: slice) -> PoseSequence:
        """The frames in ``samples`` only (a clip cut short at either end)."""
        return replace(self, xy=self.xy[samples], visibility=self.visibility[samples], world=self.world[samples],
                       t=self.t[samples], frame=self.frame[samples])

    @property
    def found(self) -> np.ndarray:
        """Boolean per frame: the person has landmarks in this frame."""
        return ~np.isnan(self.xy[:, :, 0]).all(axis=1)


@dataclass(frozen=True)
class Detections:
    """Every pose the model found, before tracking: ``xy[T, K, 33, 2]`` etc., NaN-padded to K poses per frame."""

    xy: np.ndarray
    visibility: np.ndarray
    world: np.ndarray
    t: np.ndarray
    frame: np.ndarray
    width: int
    height: int
    fps: float
    poses_tracked: int = 0  # poses the landmarker followed: the first look's count (raised by the watch)
    turned: int = 0  # clockwise degrees the analysis turned a sideways video's picture (VideoInfo.turned)
    backend: str = ""  # the pose backend that found them ("direct", "tasks"); "" for landmarks given as input

    @property
    def valid(self) -> np.ndarray:
        """``[T, K]`` True where slot k of frame t holds a pose."""
        return ~np.isnan(self.xy[:, :, :, 0]).all(axis=2)
