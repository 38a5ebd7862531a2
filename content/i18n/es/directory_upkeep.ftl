# Mantenimiento del directorio: la taxonomía de necesidades que amplían los administradores, archivar y eliminar.
needs-admin-title = Taxonomía de necesidades
needs-admin-intro = Las necesidades incluidas en Passerelle y las añadidas aquí. Una necesidad nunca se elimina: retirada, ya no se ofrece en listas y formularios, pero los servicios, derivaciones y registros que la llevan la conservan y muestran su nombre.
needs-admin-add = Añadir una necesidad
needs-admin-code-hint = Letras minúsculas, cifras y _ , empezando por una letra (por ejemplo shelter_winter_plan). No cambia una vez añadido.
needs-admin-parent = Necesidad más amplia
needs-admin-no-parent = Ninguna (una necesidad general)
needs-admin-terms = Todas las necesidades
needs-admin-count = { $count ->
    [one] Una necesidad
   *[other] { $count } necesidades
}
needs-admin-term = Necesidad
needs-admin-state = Origen y estado
needs-admin-actions = Acciones
needs-admin-added = añadida aquí
needs-admin-shipped = incluida
needs-admin-retired = retirada
needs-admin-under-retired = no ofrecida (bajo una necesidad retirada)
needs-admin-retire = Retirar
needs-admin-offer = Ofrecer de nuevo
needs-admin-retire-label = Retirar { $term }
needs-admin-offer-label = Ofrecer de nuevo { $term }
field-parent = Necesidad más amplia
field-label-fr = Nombre en francés
field-label-en = Nombre en inglés
field-label-es = Nombre en español
error-field-need-code = { $field }: use letras minúsculas, cifras y _ , empezando por una letra.
error-field-need-ambiguous = { $field }: este nombre ya designa otra necesidad.
error-field-in-use = { $field }: hay registros que lo citan (derivaciones, servicios prestados, actividades); archívelo en su lugar.
upkeep-title = Archivar o eliminar
upkeep-service-hint = Un servicio archivado está inactivo: el buscador público, la cobertura y las sugerencias de derivación lo omiten, y se conserva para el historial y las derivaciones que lo citan. Solo se puede eliminar una ficha que nada cite.
upkeep-archive = Archivar
upkeep-restore = Restablecer
upkeep-delete = Eliminar definitivamente
upkeep-archived = Archivada
upkeep-in-use = { $count ->
    [one] Un registro lo cita: se puede archivar, no eliminar.
   *[other] { $count } registros lo citan: se puede archivar, no eliminar.
}
coverage-detail = Mostrar necesidades más precisas
field-community = Comunidad
