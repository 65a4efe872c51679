include!("answer-api.rs");
