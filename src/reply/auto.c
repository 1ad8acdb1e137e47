/* placeholder: being written */
typedef int dispo_placeholder_;
