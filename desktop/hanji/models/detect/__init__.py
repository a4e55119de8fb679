"""Text detection: a DB detector (PP-OCRv4 mobile, converted to torch) and its post-processing.

    from hanji.models.detect import TextDetector
    dets = TextDetector()(rgb)        # [Detection(points, score, kind)], image pixels
"""

from hanji.models.detect.detector import Resize, TextDetector, as_rgb, load_dbnet
from hanji.models.detect.postprocess import Detection, PostProcess

__all__ = ["Detection", "PostProcess", "Resize", "TextDetector", "as_rgb", "load_dbnet"]
