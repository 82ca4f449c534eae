//! dockward_yaml (under construction)
