"""Maps between a sheet's inches and a scan's pixels, and sampling a scan through them:
the numpy geometry read.py (finding the sheet) and bubbles.py (measuring its bubbles)
share. No OpenCV: a homography by the direct linear transform, least-squares
similarity and affine fits, bilinear sampling.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy


def gray_array(image: Any) -> numpy.ndarray:
    """A Pillow image or an array as a 2-D uint8 array (RGB averaged to gray)."""
    import numpy as np

    array = np.asarray(image)
    if array.ndim == 3:  # RGB(A) handed in by mistake: use its mean as gray
        array = array[..., :3].mean(axis=2).astype(np.uint8)
    return array


def apply(matrix: numpy.ndarray, points: numpy.ndarray) -> numpy.ndarray:
    """Map (..., 2) points through a 3x3 homography."""
    import numpy as np

    points = np.asarray(points, dtype=np.float64)
    x, y = points[..., 0], points[..., 1]
    w = matrix[2, 0] * x + matrix[2, 1] * y + matrix[2, 2]
    u = (matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]) / w
    v = (matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]) / w
    return np.stack([u, v], axis=-1)


def similarity(src: numpy.ndarray, dst: numpy.ndarray, weights=None) -> numpy.ndarray:
    """Least-squares rotation + uniform scale + shift from src to dst (no mirroring: a
    scan is never a mirror image), each pair counted `weights` times (default once)."""
    import numpy as np

    w = np.sqrt(np.ones(len(src)) if weights is None else np.asarray(weights, float))
    x, y = src[:, 0], src[:, 1]
    one, zero = np.ones(len(src)), np.zeros(len(src))
    a_mat = np.vstack([np.column_stack([x, -y, one, zero]), np.column_stack([y, x, zero, one])])
    ww = np.concatenate([w, w])
    b_vec = np.concatenate([dst[:, 0], dst[:, 1]])
    (a, b, tx, ty), *_ = np.linalg.lstsq(a_mat * ww[:, None], b_vec * ww, rcond=None)
    return np.array([[a, -b, tx], [b, a, ty], [0, 0, 1.0]])


def affine(src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    import numpy as np

    a_mat = np.column_stack([src, np.ones(len(src))])
    solution, *_ = np.linalg.lstsq(a_mat, dst, rcond=None)
    return np.vstack([solution.T, [0, 0, 1.0]])


def homography(src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """The 3x3 homography taking src points to dst points (4 or more), by the normalised
    direct linear transform."""
    import numpy as np

    def normaliser(points):
        centre = points.mean(axis=0)
        spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean() or 1.0
        k = math.sqrt(2) / spread
        return np.array([[k, 0, -k * centre[0]], [0, k, -k * centre[1]], [0, 0, 1.0]])

    src, dst = np.asarray(src, float), np.asarray(dst, float)
    t_src, t_dst = normaliser(src), normaliser(dst)
    s = apply(t_src, src)
    d = apply(t_dst, dst)
    rows = []
    for (x, y), (u, v) in zip(s, d, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, _, vt = np.linalg.svd(np.array(rows))
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(t_dst) @ h @ t_src
    return h / h[2, 2]


def sample(array: numpy.ndarray, points: numpy.ndarray) -> numpy.ndarray:
    """Bilinear gray values at (..., 2) pixel positions (pixel centres at +0.5); 255
    outside the image."""
    import numpy as np

    h, w = array.shape
    x = points[..., 0] - 0.5
    y = points[..., 1] - 0.5
    outside = (x < 0) | (y < 0) | (x > w - 1) | (y > h - 1)
    x = np.clip(x, 0, w - 1.001)
    y = np.clip(y, 0, h - 1.001)
    x0, y0 = x.astype(np.intp), y.astype(np.intp)
    fx, fy = x - x0, y - y0
    flat = array.reshape(-1)
    i = y0 * w + x0
    top = flat[i] * (1 - fx) + flat[i + 1] * fx
    bottom = flat[i + w] * (1 - fx) + flat[i + w + 1] * fx
    values = top * (1 - fy) + bottom * fy
    return np.where(outside, 255.0, values)
