"""The OpenAPI 3.1 document of the API, kept by hand next to the routes.

A test compares it with the app's URL map, so a route cannot be added undocumented.
"""

from __future__ import annotations

from flask import jsonify

from docsvc.api import bp
from docsvc.permissions import public

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
            413: "Too large", 415: "Unsupported type", 422: "Unreadable file", 503: "Unavailable"}
    return {str(c): _json(ERROR, text[c]) for c in codes}


def _id_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


DOC_ID = _id_param("doc_id", "Document id")
PAGE_NO = _id_param("number", "Page number, from 1")
BINARY = {"description": "File", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}

SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "docsvc API",
        "version": "1",
        "description": "Document management and archive service. Errors are "
                       '`{"error": {"code": ..., "message": ...}}`; messages follow Accept-Language (vi, en).',
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "Per-user API token: `docsvc token create USERNAME "
                                                      "[--expires YYYY-MM-DD]`, or the account page. A revoked "
                                                      "or expired token answers 401."}},
        "schemas": {
            "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}}}},
            },
            "Submission": {
                "type": "object", "required": ["document_id", "status"],
                "properties": {
                    "document_id": {"type": "integer"}, "job_id": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": ["queued", "duplicate"]},
                    "pages": {"type": ["integer", "null"]}, "media_type": {"type": "string"},
                },
            },
            "Page": {
                "type": "object",
                "properties": {
                    "number": {"type": "integer"}, "text": {"type": "string"},
                    "source": {"type": "string", "enum": ["text_layer", "ocr"]},
                    "confidence": {"type": ["number", "null"]},
                    "width": {"type": ["integer", "null"]}, "height": {"type": ["integer", "null"]},
                    "dpi": {"type": ["integer", "null"]}, "has_image": {"type": "boolean"},
                },
            },
            "Job": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"}, "kind": {"type": "string"},
                    "document_id": {"type": ["integer", "null"]},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "attempts": {"type": "integer"}, "max_attempts": {"type": "integer"},
                    "progress": {"type": "object", "properties": {
                        "done": {"type": "integer"}, "total": {"type": ["integer", "null"]}}},
                    "error": {"type": ["string", "null"]}, "error_code": {"type": ["string", "null"]},
                },
            },
            "Document": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"}, "sha256": {"type": "string"},
                    "media_type": {"type": "string"}, "size_bytes": {"type": "integer"},
                    "original_name": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
                    "status": {"type": "string", "enum": ["queued", "processing", "done", "failed"]},
                    "error": {"type": ["string", "null"]}, "page_count": {"type": ["integer", "null"]},
                    "pages": {"type": "array", "items": {"$ref": "#/components/schemas/Page"}},
                    "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
                },
            },
        },
    },
    "paths": {
        "/documents": {
            "get": {
                "summary": "List documents, newest first",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}}}, "Documents")},
            },
            "post": {
                "summary": "Upload a file (PDF, TIFF, PNG, JPEG) for ingest",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                "responses": {
                    "202": _json({"$ref": "#/components/schemas/Submission"}, "Accepted; a job was queued"),
                    "200": _json({"$ref": "#/components/schemas/Submission"}, "The same bytes are already archived"),
                    **_errors(400, 413, 415, 422),
                },
            },
        },
        "/documents/{doc_id}": {
            "get": {"summary": "A document with its pages and jobs", "parameters": [DOC_ID],
                    "responses": {"200": _json({"$ref": "#/components/schemas/Document"}, "Document"),
                                  **_errors(404)}},
            "patch": {
                "summary": "Change register fields (null or empty clears a field)", "parameters": [DOC_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False,
                    "properties": {name: {"type": ["string", "null"]} if name != "number" else
                                   {"type": ["integer", "string", "null"]} for name in (
                        "title", "doc_type", "number", "symbol", "issuer", "issued_on", "arrived_on",
                        "direction", "abstract")}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/Document"}, "Updated document"),
                              **_errors(400, 404)},
            },
        },
        "/search": {
            "get": {
                "summary": "Search documents (per page) and civil-status entries within the caller's access",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"},
                     "description": "Query language: words, \"phrases\", AND/OR/NOT, prefix*, fuzzy~, so:, loai:, "
                                    "coquan:, donvi:, nam:, ngay:a..b, sinh:, me:, cha:, vo:, cccd:"},
                    {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["document", "person"]}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "date"]}},
                    {"name": "type", "in": "query", "schema": {"type": "string"}},
                    {"name": "year", "in": "query", "schema": {"type": "string"}},
                    {"name": "unit", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "hits": {"type": "array", "items": {"type": "object", "properties": {
                        "kind": {"type": "string"}, "id": {"type": "integer"}, "title": {"type": "string"},
                        "page": {"type": ["integer", "null"]}, "score": {"type": "number"},
                        "highlights": {"type": "array", "items": {"type": "string"}}}}},
                    "facets": {"type": "object"}, "suggestion": {"type": ["string", "null"]}}}, "Results"),
                    **_errors(400, 503)},
            },
        },
        "/search/suggest": {
            "get": {"summary": "Completions as you type", "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20}}],
                    "responses": {"200": _json({"type": "object", "properties": {"suggestions": {"type": "array"}}},
                                               "Suggestions")}},
        },
        "/documents/{doc_id}/original": {
            "get": {"summary": "The original file, byte for byte", "parameters": [DOC_ID],
                    "responses": {"200": BINARY, **_errors(404)}},
        },
        "/documents/{doc_id}/pages/{number}/image": {
            "get": {"summary": "Display image of a page (JPEG)", "parameters": [DOC_ID, PAGE_NO],
                    "responses": {"200": BINARY, **_errors(404)}},
        },
        "/documents/{doc_id}/pages/{number}/thumbnail": {
            "get": {"summary": "Thumbnail of a page (JPEG)", "parameters": [DOC_ID, PAGE_NO],
                    "responses": {"200": BINARY, **_errors(404)}},
        },
        "/jobs/{job_id}": {
            "get": {"summary": "State and progress of a job", "parameters": [_id_param("job_id", "Job id")],
                    "responses": {"200": _json({"$ref": "#/components/schemas/Job"}, "Job"), **_errors(404)}},
        },
        "/openapi.json": {
            "get": {"summary": "This document", "security": [],
                    "responses": {"200": _json({"type": "object"}, "OpenAPI")}},
        },
    },
}

# Every operation but the OpenAPI document answers 401 without a valid token and 403 when the
# role or clearance does not allow it.
for _path, _ops in SPEC["paths"].items():
    for _op in _ops.values():
        if _op.get("security") != []:
            _op["responses"].update(_errors(401, 403))


@bp.get("/openapi.json")
@public
def openapi_document():
    return jsonify(SPEC)
