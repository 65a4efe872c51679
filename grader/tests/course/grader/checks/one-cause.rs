include!("parts.rs");
