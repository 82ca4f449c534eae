//! dockward_rules (under construction)
