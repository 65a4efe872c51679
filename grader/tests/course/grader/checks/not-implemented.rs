include!("answer.rs");
