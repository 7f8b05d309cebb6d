"""Build a MediaPipe Tasks pose bundle (``.task``) from the ``mediapipe==0.10.21`` wheel.

mediapipe 1.x ships no model. The 0.10.21 wheel was the last to carry the BlazePose detector and full landmark
model as bare ``.tflite`` files. The Tasks API needs each file to carry TFLite metadata that declares its input
normalisation, and both files stored (uncompressed) in one zip. This module writes that metadata with the
flatbuffer schema modules mediapipe 1.x still ships (its ``metadata_writers`` package does not import), in
pure Python.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from movement_screen.errors import ModelError

WHEEL_DETECTOR = "mediapipe/modules/pose_detection/pose_detection.tflite"
WHEEL_LANDMARKER = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
BUNDLE_DETECTOR = "pose_detector.tflite"
BUNDLE_LANDMARKER = "pose_landmarks_detector.tflite"

# Input normalisation of each model: the detector expects [-1, 1], the landmark model [0, 1].
DETECTOR_NORMALISATION = (127.5, 127.5)
LANDMARKER_NORMALISATION = (0.0, 255.0)
MIN_PARSER_VERSION = "1.0.0"


def _tensor_names(model) -> tuple[list[str], list[str]]:
    graph = model.subgraphs[0]

    def name(index: int) -> str:
        raw = graph.tensors[index].name
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    return [name(i) for i in graph.inputs], [name(i) for i in graph.outputs]


def _metadata_buffer(model_name: str, input_name: str, output_names: list[str], mean: float, std: float) -> bytes:
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta

    image = meta.ImagePropertiesT()
    image.colorSpace = meta.ColorSpaceType.RGB
    content = meta.ContentT()
    content.contentPropertiesType = meta.ContentProperties.ImageProperties
    content.contentProperties = image

    normalisation = meta.NormalizationOptionsT()
    normalisation.mean = [mean]
    normalisation.std = [std]
    unit = meta.ProcessUnitT()
    unit.optionsType = meta.ProcessUnitOptions.NormalizationOptions
    unit.options = normalisation

    image_input = meta.TensorMetadataT()
    image_input.name = input_name
    image_input.description = "Input image, RGB."
    image_input.content = content
    image_input.processUnits = [unit]

    outputs = []
    for name in output_names:
        tensor = meta.TensorMetadataT()
        tensor.name = name
        outputs.append(tensor)

    subgraph = meta.SubGraphMetadataT()
    subgraph.name = model_name
    subgraph.inputTensorMetadata = [image_input]
    subgraph.outputTensorMetadata = outputs

    model_meta = meta.ModelMetadataT()
    model_meta.name = model_name
    model_meta.description = "BlazePose model from the mediapipe 0.10.21 wheel, metadata written by movement-screen."
    model_meta.subgraphMetadata = [subgraph]
    model_meta.minParserVersion = MIN_PARSER_VERSION

    builder = flatbuffers.Builder(1024)
    builder.Finish(model_meta.Pack(builder), file_identifier=b"M001")
    return bytes(builder.Output())


def add_metadata(tflite: bytes, model_name: str, mean: float, std: float) -> bytes:
    """Return ``tflite`` re-serialised with an input-normalisation metadata entry ``TFLITE_METADATA``."""
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(tflite, 0))
    inputs, outputs = _tensor_names(model)
    if len(inputs) != 1:
        raise ModelError(f"{model_name}: expected one image input tensor, found {len(inputs)}")

    buffer = schema.BufferT()
    buffer.data = list(_metadata_buffer(model_name, inputs[0], outputs, mean, std))
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name = "TFLITE_METADATA"
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if _name(m.name) != "TFLITE_METADATA"] + [entry]

    builder = flatbuffers.Builder(len(tflite) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _name(raw) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def read_wheel_models(wheel: Path) -> tuple[bytes, bytes]:
    """Read the detector and full landmark ``.tflite`` files out of a mediapipe 0.10.x wheel."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            missing = [n for n in (WHEEL_DETECTOR, WHEEL_LANDMARKER) if n not in names]
            if missing:
                raise ModelError(
                    f"{wheel} does not contain {', '.join(missing)}: use the mediapipe==0.10.21 wheel "
                    "(any platform), e.g. `python -m pip download --no-deps --only-binary=:all: "
                    "--platform manylinux_2_28_x86_64 --python-version 3.12 mediapipe==0.10.21`"
                )
            return archive.read(WHEEL_DETECTOR), archive.read(WHEEL_LANDMARKER)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{wheel} is not a wheel (zip) file: {exc}") from exc


def build_bundle_bytes(wheel: Path) -> bytes:
    """Return the bytes of a ``pose_landmarker`` ``.task`` bundle built from ``wheel``."""
    detector, landmarker = read_wheel_models(wheel)
    detector = add_metadata(detector, "pose_detector", *DETECTOR_NORMALISATION)
    landmarker = add_metadata(landmarker, "pose_landmarks_detector", *LANDMARKER_NORMALISATION)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr(BUNDLE_DETECTOR, detector)
        bundle.writestr(BUNDLE_LANDMARKER, landmarker)
    return out.getvalue()
