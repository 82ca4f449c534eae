#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dockward_fuzz_targets::image(data));
