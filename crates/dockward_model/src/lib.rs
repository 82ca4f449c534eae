//! dockward_model (under construction)
