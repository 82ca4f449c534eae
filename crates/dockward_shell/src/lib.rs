//! dockward_shell (under construction)
