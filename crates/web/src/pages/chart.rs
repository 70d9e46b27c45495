//! (filled by the dashboard work of issue #24: server-rendered SVG charts)
