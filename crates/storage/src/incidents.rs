//! (filled by the incidents work of issue #24)
