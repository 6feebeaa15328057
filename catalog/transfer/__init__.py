"""Export a commune's catalogue to a JSON document and import it into another commune.

The document names things instead of numbering them (a service refers to its site by name, a tariff to
its unit by code), so it means the same in any schema; the export is sorted and stable, so exporting an
imported catalogue gives the same document back. Importing makes the commune's catalogue the document's
in one transaction, updating in place the rows the document still describes (see `importing`): a bad
document changes nothing and every error names its place.
"""

from catalog.transfer.document import (
    FORMAT,
    VERSION,
    VERSIONS,
    CatalogImportError,
    catalog_document_parse,
    catalog_export,
    catalog_export_text,
)
from catalog.transfer.importing import catalog_import
from catalog.transfer.summary import catalog_import_summary

__all__ = [
    "FORMAT",
    "VERSION",
    "VERSIONS",
    "CatalogImportError",
    "catalog_document_parse",
    "catalog_export",
    "catalog_export_text",
    "catalog_import",
    "catalog_import_summary",
]
